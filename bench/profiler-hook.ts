// Preloaded (--import) into the service by bench/profile.ts: a CPU profile of the main thread between two IPC messages.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** The messages the bench sends: start sampling at this interval; stop and write the profile there. */
export type ProfilerMessage = { type: 'profile-start'; intervalUs: number } | { type: 'profile-stop'; file: string };

if (isMainThread && process.send !== undefined) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  process.on('message', (message: ProfilerMessage) => {
    const done = (reply: unknown) => process.send?.(reply);
    if (message.type === 'profile-start') {
      void post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: message.intervalUs }))
        .then(() => post('Profiler.start'))
        .then(() => done({ type: 'profile-started' }));
    } else if (message.type === 'profile-stop') {
      void post('Profiler.stop').then((result) => {
        writeFileSync(message.file, JSON.stringify((result as { profile: unknown }).profile));
        done({ type: 'profile-written' });
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.channel?.unref();
}
