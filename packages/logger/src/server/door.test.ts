import { once } from 'node:events';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Door, type DoorLimits } from './door.js';

/** A TCP server whose accepted sockets go through a door, in accept order. */
async function doorServer(limits: DoorLimits) {
  const door = new Door(limits);
  const accepted: Socket[] = [];
  const server: Server = createServer((socket) => {
    accepted.push(socket);
    door.admit(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return { door, accepted, server, port };
}

/** Opens a client socket and resolves with it once the server has accepted it, and with whether it was closed. */
async function open(port: number, accepted: Socket[]) {
  const before = accepted.length;
  const client = createConnection({ host: '127.0.0.1', port });
  let closed = false;
  client.on('close', () => {
    closed = true;
  });
  client.on('error', () => {});
  await once(client, 'connect');
  await expect.poll(() => accepted.length).toBe(before + 1);
  return { client, server: accepted[before] as Socket, closed: () => closed };
}

describe('Door', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  it('keeps few sockets pending, closing the oldest idle one for each newcomer', async () => {
    const t = await doorServer({ maxPending: 3, pendingMs: 60_000, maxSockets: 100 });
    cleanup.push(() => t.server.close());
    const sockets: Awaited<ReturnType<typeof open>>[] = [];
    for (let i = 0; i < 6; i++) sockets.push(await open(t.port, t.accepted));
    cleanup.push(() => {
      for (const s of sockets) s.client.destroy();
    });
    await expect.poll(() => sockets.map((s) => s.closed())).toEqual([true, true, true, false, false, false]);
    expect(t.door.counts()).toEqual({ open: 3, pending: 3, closed: 3 });
  });

  it('leaves trusted sockets and ones being answered, and closes a pending socket at its deadline', async () => {
    const t = await doorServer({ maxPending: 2, pendingMs: 400, maxSockets: 100 });
    cleanup.push(() => t.server.close());
    const trusted = await open(t.port, t.accepted);
    t.door.trust(trusted.server);
    const answering = await open(t.port, t.accepted);
    t.door.serving(answering.server, true);
    const idle = await open(t.port, t.accepted);
    const newcomer = await open(t.port, t.accepted);
    cleanup.push(() => {
      for (const s of [trusted, answering, idle, newcomer]) s.client.destroy();
    });
    // The newcomer pushes out the idle socket, not the one being answered.
    await expect.poll(() => idle.closed()).toBe(true);
    expect(answering.closed()).toBe(false);
    // Past the deadline every pending socket goes; the trusted one stays.
    await expect.poll(() => [answering.closed(), newcomer.closed()], { timeout: 3000 }).toEqual([true, true]);
    expect(trusted.closed()).toBe(false);
    expect(t.door.counts()).toEqual({ open: 1, pending: 0, closed: 3 });
  });

  it('closes a newcomer at once when the total cap is reached by trusted sockets', async () => {
    const t = await doorServer({ maxPending: 5, pendingMs: 60_000, maxSockets: 2 });
    cleanup.push(() => t.server.close());
    const a = await open(t.port, t.accepted);
    const b = await open(t.port, t.accepted);
    t.door.trust(a.server);
    t.door.trust(b.server);
    const c = await open(t.port, t.accepted);
    cleanup.push(() => {
      for (const s of [a, b, c]) s.client.destroy();
    });
    await expect.poll(() => c.closed()).toBe(true);
    expect([a.closed(), b.closed()]).toEqual([false, false]);
  });
});
