package dev.socketkit.codec;

import java.util.Locale;

/**
 * The two forms of the PROXY protocol header a client can send first, as HAProxy does towards a server: the text line
 * (HAProxy's {@code send-proxy}) or the binary header ({@code send-proxy-v2}). A server that takes the protocol reads
 * either.
 */
public enum ProxyVersion {
    /** Version 1, one text line: {@code PROXY TCP4 192.0.2.7 198.51.100.1 50312 8090\r\n}. */
    V1,
    /** Version 2, a binary header: a 12-byte signature, command, family, length, then the addresses. */
    V2;

    /** {@return the lower-case name, as {@code --send-proxy} takes it: {@code v1} or {@code v2}} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
