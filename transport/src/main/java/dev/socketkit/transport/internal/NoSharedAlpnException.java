package dev.socketkit.transport.internal;

import java.util.List;
import javax.net.ssl.SSLHandshakeException;

/**
 * The client offered ALPN protocols and the server chose none of them; raised by the client itself, since a server on
 * Netty's OpenSSL engine cannot refuse the handshake the way RFC 7301 says and goes on with no protocol instead.
 */
public final class NoSharedAlpnException extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    /** What the client offered. */
    private final List<String> offered;

    /**
     * The refusal of a handshake that ended with no protocol chosen.
     *
     * @param offered the protocols the client offered
     */
    public NoSharedAlpnException(List<String> offered) {
        super("no ALPN protocol in common: offered " + String.join(", ", offered) + ", the server chose none");
        this.offered = List.copyOf(offered);
    }

    /** {@return the protocols the client offered} */
    public List<String> offered() {
        return offered;
    }
}
