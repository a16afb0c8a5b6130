import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { nothingNewText } from './SendStep';

describe('nothing new to send', () => {
  it('counts the rows Metrica already has in Russian, one and two included', () => {
    const t = i18n.getFixedT('ru');
    expect(nothingNewText(t, 1)).toMatch(/^Единственную строку файла Метрика уже приняла/);
    expect(nothingNewText(t, 2)).toMatch(/^Обе строки файла Метрика уже приняла/);
    expect(nothingNewText(t, 3)).toMatch(/^Все 3 строки из файла/);
    expect(nothingNewText(t, 1250)).toMatch(/^Все 1\u00a0250 строк из файла/);
  });
});
