//! The order the window lists upload kinds and status types in (the most common first); the
//! values themselves are the core's (`UPLOAD_KINDS`, `ORDER_STATUS_TYPES`, generated), and
//! kinds.test.ts checks that these name every one of them.
import type { OrderStatusType, UploadKind } from '../ipc';

export const KINDS: readonly UploadKind[] = ['simple-orders', 'conversions', 'calls', 'contacts', 'orders'];

export const STATUS_TYPES: readonly OrderStatusType[] = ['PAID', 'IN_PROGRESS', 'CANCELLED', 'SPAM', 'OTHER'];
