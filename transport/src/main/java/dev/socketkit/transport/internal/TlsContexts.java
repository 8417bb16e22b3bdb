package dev.socketkit.transport.internal;

import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds Netty {@link SslContext}s from a {@link TlsConfig}, for servers and clients, on either engine. */
public final class TlsContexts {
    /** Every version socketkit speaks; TLS 1.1 and older are broken and never offered, on either engine. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {}

    /**
     * The engine a choice comes to on this machine: {@link TlsEngine#AUTO} is OpenSSL where it loads. (It is not the
     * default: {@link TlsConfig} starts with the JDK's engine, for the reasons {@link TlsEngine} gives.)
     *
     * @param choice what the config asks for
     * @return {@link TlsEngine#JDK} or {@link TlsEngine#OPENSSL}, never {@link TlsEngine#AUTO}
     * @throws IllegalStateException if OpenSSL is asked for and does not load here, saying why
     */
    public static TlsEngine resolve(TlsEngine choice) {
        return switch (choice) {
            case AUTO -> OpenSsl.isAvailable() ? TlsEngine.OPENSSL : TlsEngine.JDK;
            case JDK -> TlsEngine.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    Throwable cause = OpenSsl.unavailabilityCause();
                    throw new IllegalStateException("the OpenSSL TLS engine is not available on this machine: "
                            + (cause == null ? "unknown reason" : oneLine(cause)) + "; use the JDK engine");
                }
                yield TlsEngine.OPENSSL;
            }
        };
    }

    private static String oneLine(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static SslProvider provider(TlsEngine resolved) {
        // OPENSSL, not OPENSSL_REFCNT: a replaced context is freed by the garbage collector once its last connection
        // is gone, so reloading a certificate needs no reference counting.
        return resolved == TlsEngine.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * The context of a server with this identity.
     *
     * @param config the server's config: engine, ALPN and client authentication are read from it
     * @param identity the key and chain to present (from the config, a reloaded file, or a generated certificate)
     * @return the context
     * @throws SSLException if the engine refuses the key or certificates
     */
    public static SslContext forServer(TlsConfig config, Certificates.Issued identity) throws SSLException {
        SslProvider provider = provider(resolve(config.engine()));
        SslContextBuilder builder = SslContextBuilder.forServer(identity.key(), identity.chain())
                .sslProvider(provider)
                .protocols(PROTOCOLS);
        if (!config.clientAuthCertificates().isEmpty()) {
            builder.trustManager(config.clientAuthCertificates()).clientAuth(ClientAuth.REQUIRE);
        }
        if (!config.alpn().isEmpty()) {
            builder.applicationProtocolConfig(serverAlpn(provider, config.alpn()));
        }
        return builder.build();
    }

    private static ApplicationProtocolConfig serverAlpn(SslProvider provider, List<String> protocols) {
        // RFC 7301: a server that shares no protocol with the client ends the handshake (no_application_protocol).
        // The JDK engine does that with FATAL_ALERT. Netty's OpenSSL engine takes only NO_ADVERTISE or
        // CHOOSE_MY_LAST_PROTOCOL, and with BoringSSL both go on with no protocol (tried: the handshake succeeds),
        // so there the client is the one that refuses (newClientHandler).
        ApplicationProtocolConfig.SelectorFailureBehavior noMatch = provider == SslProvider.JDK
                ? ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT
                : ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE;
        return new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                noMatch,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                protocols);
    }

    /**
     * The context of a client: build one per config and reuse it for every connection, since loading the trust
     * store costs milliseconds.
     *
     * @param config the client's config
     * @return the context
     * @throws SSLException if the engine refuses the key or certificates
     * @throws IllegalArgumentException if the config trusts nothing (system trust off, no CA, no pin, not insecure)
     *     or is {@link TlsConfig#selfSigned()}, which only a server can be
     */
    public static SslContext forClient(TlsConfig config) throws SSLException {
        if (config.isSelfSigned()) {
            throw new IllegalArgumentException("a self-signed identity is generated by servers only; give a client "
                    + "its certificate with TlsConfig.fromPemFiles");
        }
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(provider(resolve(config.engine())))
                .protocols(PROTOCOLS);
        if (config.privateKey().isPresent()) {
            builder.keyManager(config.privateKey().get(), config.certificateChain());
        }
        if (config.isInsecure()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else if (config.pin().isPresent()) {
            builder.trustManager(new PinTrustManager(config.pin().get())).endpointIdentificationAlgorithm(null);
        } else {
            // Netty 4.2 verifies host names by default; said here so that no system property can turn it off.
            builder.trustManager(trustManagerFactory(config)).endpointIdentificationAlgorithm("HTTPS");
        }
        if (!config.alpn().isEmpty()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    config.alpn()));
        }
        return builder.build();
    }

    /**
     * One PKIX trust manager over the system CAs and the extra ones: the JDK's own, so that it checks dates, paths
     * and (as an {@code X509ExtendedTrustManager}) host names on both engines, with no checking code of ours.
     */
    private static TrustManagerFactory trustManagerFactory(TlsConfig config) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (config.systemTrust() && config.trustedCertificates().isEmpty()) {
                factory.init((KeyStore) null);
                return factory;
            }
            List<X509Certificate> anchors = new ArrayList<>(config.trustedCertificates());
            if (config.systemTrust()) {
                anchors.addAll(List.of(systemTrustManager().getAcceptedIssuers()));
            }
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("nothing to trust: system trust is off and no CA certificate is "
                        + "given; add one (--ca FILE), pin the server's certificate, or turn system trust on");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up the trust store: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager systemTrustManager() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK's default trust manager is not an X509TrustManager");
    }

    /**
     * The handler for one client connection. The name checked and sent is {@link TlsConfig#serverName()} or else
     * {@code host}; SNI goes out for host names only (both engines leave it out for IP literals, as RFC 6066 says),
     * while the certificate check still matches an IP literal against the certificate's IP entries.
     *
     * @param context from {@link #forClient} with the same config
     * @param config the client's config
     * @param allocator the channel's allocator
     * @param host the endpoint's host, as connected to
     * @param port the endpoint's port, which keys the session cache
     * @return a new handler, to go first in the pipeline; with ALPN configured, a handshake that ends with no protocol
     *     chosen fires a {@link NoSharedAlpnException} down the pipeline and closes the channel
     */
    public static SslHandler newClientHandler(
            SslContext context, TlsConfig config, ByteBufAllocator allocator, String host, int port) {
        SslHandler handler = context.newHandler(allocator, config.serverName().orElse(host), port);
        if (!config.alpn().isEmpty()) {
            // A JDK server refuses a client it shares no protocol with; an OpenSSL one (and one that ignores ALPN)
            // goes on with none, and the client would talk a protocol the server never agreed to.
            handler.handshakeFuture().addListener(done -> {
                if (done.isSuccess() && handler.applicationProtocol() == null) {
                    Channel channel = (Channel) done.getNow();
                    channel.pipeline().fireExceptionCaught(new NoSharedAlpnException(config.alpn()));
                    channel.close();
                }
            });
        }
        return handler;
    }
}
