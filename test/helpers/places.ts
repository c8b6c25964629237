// Where the compute service ran each call, read from its task reports (inline or pool).
import type { FastifyInstance } from 'fastify';
import type { TaskRecord } from '../../src/pool/compute.js';

/** A function that answers the places of the calls reported since it was last called. */
export function placesOf(app: FastifyInstance): () => Array<TaskRecord['where']> {
  const places: Array<TaskRecord['where']> = [];
  app.compute.onTask((task) => places.push(task.where));
  return () => places.splice(0);
}
