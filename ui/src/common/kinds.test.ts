import { describe, expect, it } from 'vitest';
import { ORDER_STATUS_TYPES, UPLOAD_KINDS } from '../ipc';
import { KINDS, STATUS_TYPES } from './kinds';

describe('the window lists every value the core has', () => {
  it('names every upload kind and every order status type, each once', () => {
    expect([...KINDS].sort()).toEqual([...UPLOAD_KINDS].sort());
    expect([...STATUS_TYPES].sort()).toEqual([...ORDER_STATUS_TYPES].sort());
  });
});
