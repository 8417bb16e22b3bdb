package dev.socketkit.cli;

import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.transport.Endpoint;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** {@code --send-proxy v1|v2}, shared by the commands that connect: a PROXY protocol header first, as HAProxy sends. */
final class SendProxyOption {
    @Option(
            names = "--send-proxy",
            paramLabel = "v1|v2",
            description = "Begin each connection with a PROXY protocol header naming this client, v1 (text) or v2"
                    + " (binary), as HAProxy's send-proxy and send-proxy-v2 do: to talk to a server that expects"
                    + " one, such as serve --proxy-protocol (stream sockets only).")
    String version;

    /** The header to send to {@code endpoint}, if one was asked for; a bad version or a datagram socket is a usage error. */
    Optional<ProxyVersion> version(Endpoint endpoint) {
        if (version == null) {
            return Optional.empty();
        }
        ProxyVersion chosen = Arrays.stream(ProxyVersion.values())
                .filter(v -> v.id().equalsIgnoreCase(version.strip()))
                .findFirst()
                .orElseThrow(() ->
                        new UsageException("--send-proxy: '" + version + "' is not a PROXY protocol version;" + " give "
                                + Arrays.stream(ProxyVersion.values())
                                        .map(ProxyVersion::id)
                                        .collect(Collectors.joining(" or "))));
        if (endpoint.kind().isDatagram()) {
            throw new UsageException("--send-proxy applies to stream sockets (tcp, unix), not "
                    + endpoint.kind().scheme());
        }
        return Optional.of(chosen);
    }
}
