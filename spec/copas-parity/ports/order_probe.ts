// Port of lua/order_probe.lua, line by line.
import { copas } from '../../../src';
import { print } from '../lua-shim';

export default async function main(): Promise<void> {
  const out: string[] = [];
  copas.addthread(function* () { yield* copas.pause(0.05); out.push('B woke'); });
  copas.addthread(function* () {
    out.push('A1');
    const t = copas.gettime();
    while (copas.gettime() - t < 0.1) { /* busy for 0.1 s, past B's deadline */ }
    yield* copas.pause(0); out.push('A2');
    yield* copas.pause(0); out.push('A3');
  });
  await copas.loop();
  print(out.join(' '));
}
