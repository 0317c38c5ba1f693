import { expectParity, useParityCerts } from './harness';
import main from './ports/sockets_probe';

useParityCerts();

it('lua/sockets_probe.lua (the socket surface) prints what it prints under Copas 4.11', async () => {
  await expectParity('sockets_probe', main, {
    // LuaSocket returns counts as floats in places (connect's 1, send's last index): Lua 5.3 prints 1.0
    normalise: [[/(^|\t)(\d+)\.0(?=\t|$)/g, '$1$2']],
    differences: [
      ...['udp flag=false\treceivefrom', 'udp flag=false\treceive', 'udp flag=true\treceivefrom', 'udp flag=true\treceive', 'another task'].map((l) => ({
        lua: `${l}\tnil\ttimeout\tnil`, ts: `${l}\tnil\ttimeout`,
        why: 'a UDP receive that fails returns [null, err]: Lua\'s trailing nil (the port of receivefrom) is no tuple position (porting guide: Sockets)',
      })),
      { lua: 'plain connect\t1\tnil', ts: 'plain connect\t1', why: 'connect returns [1]: no trailing nil (porting guide: Sockets)' },
      {
        lua: 'bad name\tfalse\tTLS/SSL handshake failed: tlsv1 unrecognized name', ts: 'bad name\tfalse\tTLS/SSL handshake failed: closed',
        why: 'Node\'s TLS server refuses an SNI name by closing the connection, with no unrecognized_name alert for the client to report (porting guide: Sockets)',
      },
      { lua: 'good name\ttrue\ttrue', ts: 'good name\ttrue\tfalse', why: 'a TLS connect returns [1], not the socket (porting guide: Sockets)' },
    ],
  });
}, 20000);
