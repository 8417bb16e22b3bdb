/**
 * Not API: helpers socketkit's own modules share (Unix socket-file safety, datagram size limits, stream read
 * allocators, size parsing). Public only so that the other modules can reach them; they may change in any release
 * without notice.
 */
package dev.socketkit.transport.internal;
