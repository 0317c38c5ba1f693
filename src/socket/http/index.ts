/** copas.http: LuaSocket's HTTP client on copas sockets (http and https, redirects, timeouts). */
import { httpConfig } from './config';
import { request } from './request';

export type { HttpRequestOptions, HttpSslParams, HttpTimeout, HttpTableResult, HttpStringResult } from './request';
export type { HttpHeaders } from './headers';
export type { HttpSink } from './body';

/**
 * The copas.http module: `request` and LuaSocket's settings (TIMEOUT, PORT, USERAGENT, SSLPORT, SSLPROTOCOL,
 * SSLVERIFY), which may be assigned.
 *
 * Lua: `local http = require 'copas.http'`  ->  TS: `const { http } = copas`
 */
export const http = Object.assign(httpConfig, { request });
