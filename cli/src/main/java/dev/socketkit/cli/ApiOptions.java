package dev.socketkit.cli;

import dev.socketkit.relay.ToxiproxyApi;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * {@code --api HOST:PORT} and {@code --api-allow-remote}: where the Toxiproxy-compatible API listens, for {@code
 * socketkit toxiproxy} and {@code socketkit relay}. The API can slow, cut and reset any traffic it relays, so it
 * listens on loopback only unless told otherwise: an address that is not loopback (a wildcard such as {@code 0.0.0.0}
 * included) is refused before anything is bound, unless {@code --api-allow-remote} is given.
 */
final class ApiOptions {
    @Option(
            names = "--api",
            paramLabel = "HOST:PORT",
            description = "Serve Toxiproxy's HTTP API here (a loopback address unless --api-allow-remote).")
    String api;

    @Option(
            names = "--api-allow-remote",
            description = "Let --api listen on an address that is not loopback: whoever reaches it can break the"
                    + " traffic.")
    boolean allowRemote;

    /** {@return whether {@code --api} was given} */
    boolean given() {
        return api != null;
    }

    /**
     * The API's address, checked: a TCP {@code HOST:PORT} that resolves, on loopback unless remote is allowed.
     *
     * @param absent what to use when {@code --api} was not given (null: it was given)
     */
    InetSocketAddress address(String absent) {
        String text = api != null ? api : absent;
        InetSocketAddress address = Options.httpAddress("--api", text);
        if (address.isUnresolved()) {
            throw new UsageException("--api: cannot resolve host '" + address.getHostString() + "'");
        }
        if (!address.getAddress().isLoopbackAddress() && !allowRemote) {
            throw new UsageException("--api " + text + " is not a loopback address; the API can break any traffic it"
                    + " relays, so it listens on loopback (127.0.0.1, ::1) unless --api-allow-remote is given");
        }
        return address;
    }

    /** Starts the API at {@code address}; a bind failure is one line and exit 1. */
    static ToxiproxyApi start(InetSocketAddress address, long seed) {
        try {
            return ToxiproxyApi.start(address, seed);
        } catch (IOException e) {
            String why = e.getMessage() != null && e.getMessage().contains("in use")
                    ? "address already in use"
                    : String.valueOf(e.getMessage());
            throw new IllegalStateException("cannot serve the Toxiproxy API on " + url(address) + ": " + why);
        }
    }

    /** {@return {@code http://HOST:PORT}, an IPv6 host in brackets} */
    static String url(InetSocketAddress address) {
        String host = address.getAddress() instanceof Inet6Address
                ? "[" + NetUtil.toAddressString(address.getAddress()) + "]"
                : address.getAddress().getHostAddress();
        return "http://" + host + ":" + address.getPort();
    }
}
