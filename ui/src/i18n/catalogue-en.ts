//! The core's texts in English: crates/text/messages/en.json itself, typed by the generated
//! `Catalogue`. Only en.ts imports it, so it is read when the app speaks English.
import json from '../../../crates/text/messages/en.json';
import type { Catalogue } from './catalogue';

export const en: Catalogue = json;
