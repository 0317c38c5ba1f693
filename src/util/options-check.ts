/**
 * Options tables refuse keys they do not know, so a misspelt or foreign option (`ws`'s `verifyClient`) fails
 * where it is written instead of being silently ignored.
 */

/**
 * Throws a TypeError naming the first key of `options` not in `known`, with our equivalent when it is a name
 * from another library (`foreign`: their name -> what to write here), else the list of known keys.
 *
 * `checkKnownKeys('copas.timer.new', 'options', { dealy: 1 }, ['name', 'delay', ...])`
 */
export function checkKnownKeys(fn: string, name: string, options: object, known: readonly string[],
  foreign?: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = foreign !== undefined && Object.prototype.hasOwnProperty.call(foreign, key) ? foreign[key] : undefined;
    throw new TypeError(hint !== undefined
      ? `${fn}: unknown option '${name}.${key}' (${hint})`
      : `${fn}: unknown option '${name}.${key}' (known: ${known.join(', ')})`);
  }
}

/** `ws`'s option names and what to write in copas-ts instead (servers and clients). */
export const WS_OPTION_NAMES: Readonly<Record<string, string>> = {
  verifyClient: "ws's verifyClient: use 'origins' (allowed Origin values) and 'authorize' (a function of the request)",
  maxPayload: "ws's maxPayload: use 'maxMessageSize' (bytes)",
  perMessageDeflate: "ws's perMessageDeflate: use 'compression' (true, false or deflate options)",
  handleProtocols: "ws's handleProtocols: use 'protocols' (a handler per sub-protocol; the client's first offer we have wins) and 'default'",
  clientTracking: "ws's clientTracking: server.clients is always kept",
  noServer: "ws's noServer: use 'manual: true' and call server.handleUpgrade(req, socket, head) from your http.Server's 'upgrade' event",
  path: "ws's path: route by req.url in your http.Server's 'upgrade' event with 'manual: true' and server.handleUpgrade, or refuse in 'authorize' (request.path)",
  backlog: "ws's backlog: not configurable (511, as Node)",
  host: "ws's host: use 'interface'",
  handshakeTimeout: "ws's client handshakeTimeout: use 'timeout' (seconds)",
  followRedirects: "ws's followRedirects: redirects are not followed",
  protocolVersion: "ws's protocolVersion: only version 13 exists",
};
