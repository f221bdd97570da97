import type { ActionRequest, NewIncidentReport } from '../api/types';

export interface OutboxPhoto {
  name: string;
  blob: Blob;
}

/** One worker action waiting for the network: kept in IndexedDB so it survives a reload or a closed tab. */
export interface OutboxEntry {
  id?: number;
  kind: 'action' | 'report';
  incidentId: string | null;
  /** What the incident was, for the queue's label while offline. */
  label: string;
  action?: ActionRequest;
  report?: NewIncidentReport;
  photos: OutboxPhoto[];
  createdAt: string;
  attempts: number;
  lastError?: string;
  /** Set when the hub refused it (4xx): it stays visible until the worker discards it. */
  failed?: boolean;
  /** Ids of photos already uploaded, so a retry after a partial upload does not upload them twice. */
  uploadedIds?: string[];
}

const DB = 'gridhub-outbox';
const STORE = 'entries';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = run(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error);
      t.onabort = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

export const outboxDb = {
  all: () => tx<OutboxEntry[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxEntry[]>),
  add: (e: OutboxEntry) => tx<IDBValidKey>('readwrite', (s) => s.add(e)),
  put: (e: OutboxEntry) => tx<IDBValidKey>('readwrite', (s) => s.put(e)),
  remove: (id: number) => tx<undefined>('readwrite', (s) => s.delete(id)),
};
