//! The core's texts in Russian: crates/text/messages/ru.json itself, the file the CLI and the
//! notifications read, typed by the generated `Catalogue` (a code without a text fails here).
import json from '../../../crates/text/messages/ru.json';
import type { Catalogue } from './catalogue';

export const ru: Catalogue = json;
