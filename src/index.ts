/**
 * copas-ts: Copas and lua-websockets for TypeScript.
 *
 * Lua: `local copas = require 'copas'`  ->  TS: `import { copas, socket, websocket } from 'copas-ts'`
 */
export { copas, type Copas } from './copas';
export type { Operation, TaskFunction, TaskGenerator, Task, TaskResult, TryResult, ErrorHandler } from './scheduler';
