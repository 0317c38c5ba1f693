/**
 * The text frame cache that every connection of this process shares (see TextFrameCache): a broadcast
 * encodes its text once and writes one Buffer to every socket, an echo reuses the received bytes. The
 * front-ends give it to each connection's protocol core; the core keeps no process-wide state of its own.
 */
import { TextFrameCache } from './core/text-frame-cache';

/** The process's cache, for `ProtocolOptions.textFrames`. */
export const textFrames = new TextFrameCache();
