// A plain node:http client for tests that need real sockets, and a process's resident memory.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Bytes of the answer's body (also when discarded). */
  length: number;
}

export interface Send {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  agent?: Agent;
  port: number;
  host?: string;
  /** Count the answer's bytes instead of keeping them (multi-megabyte answers). */
  discard?: boolean;
}

/** One request; resolves with the whole answer, rejects on a socket error. */
export function send(options: Send): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        port: options.port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let length = 0;
        res.on('data', (c: Buffer) => {
          length += c.length;
          if (!options.discard) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), length }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** VmRSS (resident) and VmHWM (its peak) of a process, in bytes, from /proc. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
