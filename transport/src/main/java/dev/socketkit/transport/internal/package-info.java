/**
 * Not API: helpers socketkit's own modules share (Unix socket-file safety, datagram size limits, stream read
 * allocators, size parsing, the one-line text of connect and I/O failures for the client and the benchmark, the small
 * HTTP server of the control ports), and the TLS core: SSL contexts for either engine, a server's certificate that
 * reloads from its files, certificate generation and the one-line text of TLS failures. Public only so that the other
 * modules can reach them; they may change in any release without notice.
 */
package dev.socketkit.transport.internal;
