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

  it('does not call the one good row of a file of seven «the only row of the file»', () => {
    const t = i18n.getFixedT('ru');
    expect(nothingNewText(t, 1, 6)).toBe(
      'Строки без ошибок (1 строка) Метрика уже приняла раньше, без изменений: их повторять не нужно. Строки с ошибками (6 строк) не отправятся — исправьте их в файле.',
    );
    // Every known row changed since: the notes say it, not «без изменений».
    expect(nothingNewText(t, 0)).toBeNull();
  });
});
