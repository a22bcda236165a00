/**
 * The websocket channel (Backport IG): a client gets a token from `$get-ws-binding-token`, connects to the
 * websocket URL it names and sends `bind-with-token <token>`; the server answers with a handshake Bundle per
 * subscription bound, then sends a notification Bundle for every new event (and heartbeats). Events published
 * before the binding are fetched with `$events`. Each node serves the sockets connected to it, reading events from
 * the database, so a publish on any node reaches them.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { PlatformKey } from '../auth/platform-keys.ts';
import type { ClientStates } from '../auth/client-states.ts';
import type { AuditRecord } from '../audit/audit-record.ts';
import type { Queryable } from '../storage/database.ts';
import { verifyBindingToken } from './binding-token.ts';
import { deliveryAudits } from './delivery-audit.ts';
import { notificationBundle } from './notification.ts';
import { eventsAfter, loadRows, type EventRow, type SubscriptionRow } from './rows.ts';

/** Where clients connect (outside the FHIR base: it is no FHIR interaction). */
export const WEBSOCKET_PATH = '/subscriptions/websocket';
/** Seconds a connection may stay unbound. */
const BIND_WITHIN_MS = 30_000;

interface Binding {
  /** Last event number sent on this connection. */
  lastSent: number;
  /** When something was last sent (for heartbeats). */
  lastActivity: number;
}

interface Connection {
  ws: WebSocket;
  clientId?: string;
  owner?: string;
  bound: Map<string, Binding>;
  bindTimer?: NodeJS.Timeout;
}

export interface HubDeps {
  db: Queryable;
  key: PlatformKey;
  clients: ClientStates;
  audit: (records: AuditRecord[]) => Promise<void>;
}

const send = (ws: WebSocket, bundle: unknown) => ws.send(JSON.stringify(bundle));

export class WebsocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 8192 });
  private readonly connections = new Set<Connection>();
  private closed = false;

  constructor(private readonly deps: HubDeps) {}

  /** Takes the upgrade requests for WEBSOCKET_PATH on `server`; others are refused unless someone else listens. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (this.closed || path !== WEBSOCKET_PATH) {
        if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  private accept(ws: WebSocket): void {
    const conn: Connection = { ws, bound: new Map() };
    this.connections.add(conn);
    conn.bindTimer = setTimeout(() => conn.bound.size === 0 && ws.close(1008, 'not bound'), BIND_WITHIN_MS);
    conn.bindTimer.unref();
    ws.on('message', (data: RawData) => void this.onMessage(conn, data.toString()).catch(() => ws.close(1011, 'server error')));
    ws.on('close', () => this.drop(conn));
    ws.on('error', () => this.drop(conn));
  }

  private drop(conn: Connection): void {
    clearTimeout(conn.bindTimer);
    this.connections.delete(conn);
  }

  private async onMessage(conn: Connection, text: string): Promise<void> {
    const m = /^bind-with-token\s+(\S+)\s*$/.exec(text);
    if (!m) return;
    const claims = await verifyBindingToken(this.deps.key, m[1]);
    if (!claims || (conn.owner !== undefined && conn.owner !== claims.owner)) {
      conn.ws.close(1008, 'invalid or expired binding token');
      return;
    }
    const rows = (await loadRows(this.deps.db, claims.subscriptions)).filter(
      (r) => r.owner === claims.owner && r.channel === 'websocket' && r.status !== 'off',
    );
    if (rows.length === 0) {
      conn.ws.close(1008, 'no subscription to bind');
      return;
    }
    conn.owner = claims.owner;
    conn.clientId = claims.clientId;
    for (const row of rows) {
      conn.bound.set(row.id, { lastSent: Number(row.events_count), lastActivity: Date.now() });
      send(conn.ws, notificationBundle(row, 'handshake', [], row.content));
    }
  }

  /** Sends new events and due heartbeats on every bound connection (called by the dispatcher). */
  async push(): Promise<void> {
    const live = [...this.connections].filter((c) => c.bound.size > 0);
    if (live.length === 0) return;
    const after = new Map<string, number>();
    for (const c of live) for (const [id, b] of c.bound) after.set(id, Math.min(after.get(id) ?? Number.MAX_SAFE_INTEGER, b.lastSent));
    const rows = new Map((await loadRows(this.deps.db, [...after.keys()])).map((r) => [r.id, r]));
    const events = new Map<string, EventRow[]>();
    for (const e of await eventsAfter(this.deps.db, after, 1000)) events.set(e.subscription_id, [...(events.get(e.subscription_id) ?? []), e]);
    for (const conn of live) {
      if (!(await this.deps.clients.isActive(conn.clientId ?? ''))) {
        conn.ws.close(1008, 'client disabled');
        continue;
      }
      for (const [id, binding] of conn.bound) {
        const row = rows.get(id);
        if (!row || row.owner !== conn.owner || row.status === 'off' || row.channel !== 'websocket') conn.bound.delete(id);
        else
          await this.pushOne(
            conn,
            row,
            binding,
            (events.get(id) ?? []).filter((e) => Number(e.number) > binding.lastSent),
          );
      }
      if (conn.bound.size === 0) conn.ws.close(1000, 'no subscription left');
    }
  }

  private async pushOne(conn: Connection, row: SubscriptionRow, binding: Binding, events: EventRow[]): Promise<void> {
    for (let i = 0; i < events.length; i += row.max_count) {
      const chunk = events.slice(i, i + row.max_count);
      if (row.content === 'id-only') await this.deps.audit(deliveryAudits(row, chunk, 'websocket'));
      send(conn.ws, notificationBundle(row, 'event-notification', chunk, row.content));
      binding.lastSent = Number(chunk[chunk.length - 1].number);
      binding.lastActivity = Date.now();
    }
    if (events.length === 0 && row.heartbeat_seconds && Date.now() - binding.lastActivity >= row.heartbeat_seconds * 1000) {
      send(conn.ws, notificationBundle(row, 'heartbeat', [], row.content));
      binding.lastActivity = Date.now();
    }
  }

  /** Closes every connection (shutdown); idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.connections) {
      clearTimeout(c.bindTimer);
      c.ws.terminate();
    }
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
