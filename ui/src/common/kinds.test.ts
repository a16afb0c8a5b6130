import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_TYPES, ORDER_STATUS_TYPES, UPLOAD_KINDS } from '../ipc';
import en from '../i18n/en';
import ru from '../i18n/ru';
import { KINDS, STATUS_TYPES } from './kinds';

describe('the window lists every value the core has', () => {
  it('names every upload kind and every order status type, each once', () => {
    expect([...KINDS].sort()).toEqual([...UPLOAD_KINDS].sort());
    expect([...STATUS_TYPES].sort()).toEqual([...ORDER_STATUS_TYPES].sort());
  });

  it('words every type of contact attribute the core accepts, in both languages', () => {
    for (const x of ATTRIBUTE_TYPES) {
      expect(ru.columns.attr.types).toHaveProperty(x);
      expect(en.columns.attr.types).toHaveProperty(x);
    }
  });
});
