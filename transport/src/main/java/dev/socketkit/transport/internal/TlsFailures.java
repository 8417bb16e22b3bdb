package dev.socketkit.transport.internal;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns a failed TLS handshake into the one line a user reads, naming the peer and the cause, for either engine and
 * either side of the connection.
 *
 * <p>The shapes matched here were taken from real handshakes on both engines (see {@code TlsFailuresTest}): the JDK
 * throws {@code SSLHandshakeException}s whose causes are the certificate exceptions of its trust manager, and reports
 * an alert from the peer as {@code "Received fatal alert: certificate_required"}; Netty's OpenSSL engine wraps the
 * same trust-manager causes in {@code "General OpenSslEngine problem"}, and reports alerts as BoringSSL error strings
 * such as {@code "error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED"}.
 */
public final class TlsFailures {
    /** What went wrong, as far as the exception tells. */
    public enum Kind {
        /** The peer's certificate does not lead to a trusted CA: self-signed, or an unknown issuer. */
        UNTRUSTED,
        /** The peer's certificate has expired. */
        EXPIRED,
        /** The peer's certificate is not valid yet (a wrong clock, or issued for later). */
        NOT_YET_VALID,
        /** The server's certificate does not name the host connected to (or the server name asked for). */
        HOST_MISMATCH,
        /** The pinned fingerprint is not the server certificate's. */
        PIN_MISMATCH,
        /** The two sides share no TLS version or no cipher suite. */
        NO_SHARED_PROTOCOL,
        /** The server wants a client certificate it trusts, and this client sent none or another. */
        CLIENT_CERTIFICATE_REQUIRED,
        /** Seen by a server: the client sent no certificate, and this server requires one. */
        NO_CLIENT_CERTIFICATE,
        /** The peer refused the certificate this side sent. */
        PEER_REJECTED_CERTIFICATE,
        /** The two sides share no ALPN protocol. */
        NO_SHARED_ALPN,
        /**
         * What came back is not TLS at all (a plain-text server, or a plain-text client), or TLS out of place: a
         * plain-text echo server sends the client's own ClientHello back.
         */
        NOT_TLS,
        /** The peer closed the connection in the middle of the handshake, without saying why. */
        CLOSED,
        /**
         * The handshake was not complete in time: the peer sent nothing, part of a message, or stopped in the middle
         * (Netty's {@code SslHandshakeTimeoutException}).
         */
        TIMED_OUT,
        /** Anything else. */
        OTHER
    }

    // JDK: "Received fatal alert: bad_certificate". BoringSSL: "...:SSLV3_ALERT_BAD_CERTIFICATE" or "TLSV1_ALERT_...".
    private static final Pattern JDK_ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
    private static final Pattern OPENSSL_ALERT = Pattern.compile("(?:SSLV3|TLSV1)_ALERT_([A-Z_]+)");
    // JDK host-name checks: "No subject alternative DNS name matching x found.", "No subject alternative names
    // matching IP address 1.2.3.4 found", "No name matching x found" (a certificate with no SANs, by common name).
    private static final Pattern HOST_NAME = Pattern.compile(
            "No (?:subject alternative DNS name|subject alternative names matching IP address|name) ?(?:matching )?"
                    + "(\\S+?)\\.? found");
    private static final Pattern NOT_SSL_HEX = Pattern.compile("not an SSL/TLS record: ([0-9a-fA-F]+)");
    // Netty's SslHandler: "handshake timed out after 10000ms".
    private static final Pattern TIMED_OUT_AFTER = Pattern.compile("timed out after (\\d{1,18})ms");

    private TlsFailures() {}

    /**
     * Classifies a failure.
     *
     * @param failure what the handshake or the first read after it failed with
     * @return what went wrong
     */
    public static Kind kind(Throwable failure) {
        // Causes first, most telling first: a trust manager's exception is wrapped in one or two generic ones.
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof PinMismatchException) {
                return Kind.PIN_MISMATCH;
            }
            if (cause instanceof NoSharedAlpnException) {
                return Kind.NO_SHARED_ALPN;
            }
            if (cause instanceof NotSslRecordException) {
                return Kind.NOT_TLS;
            }
            if (cause instanceof SslHandshakeTimeoutException) {
                return Kind.TIMED_OUT;
            }
            if (cause instanceof CertificateExpiredException) {
                return Kind.EXPIRED;
            }
            if (cause instanceof CertificateNotYetValidException) {
                return Kind.NOT_YET_VALID;
            }
        }
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            String message = String.valueOf(cause.getMessage());
            if (HOST_NAME.matcher(message).find()) {
                return Kind.HOST_MISMATCH;
            }
            if (cause instanceof CertPathValidatorException
                    || message.contains("unable to find valid certification path")
                    || message.contains("PKIX path")) {
                return Kind.UNTRUSTED;
            }
            // A hello where the peer's hello belongs: the JDK names it, BoringSSL only says the message was unexpected.
            if (message.contains("Unexpected handshake message: client_hello")
                    || message.contains("OPENSSL_internal:UNEXPECTED_MESSAGE")) {
                return Kind.NOT_TLS;
            }
            if (message.contains("Empty client certificate chain")
                    || message.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")) {
                return Kind.NO_CLIENT_CERTIFICATE;
            }
            if (message.contains("No matching application layer protocol")
                    || message.contains("NO_APPLICATION_PROTOCOL")) {
                return Kind.NO_SHARED_ALPN;
            }
            if (message.contains("No appropriate protocol")
                    || message.contains("is not enabled or supported")
                    || message.contains("UNSUPPORTED_PROTOCOL")
                    || message.contains("NO_SHARED_CIPHER")
                    || message.contains("no cipher suites in common")) {
                return Kind.NO_SHARED_PROTOCOL;
            }
            String alert = alert(message);
            if (alert != null) {
                return switch (alert) {
                    case "certificate_required", "bad_certificate" -> Kind.CLIENT_CERTIFICATE_REQUIRED;
                    case "protocol_version", "handshake_failure", "insufficient_security" -> Kind.NO_SHARED_PROTOCOL;
                    case "no_application_protocol" -> Kind.NO_SHARED_ALPN;
                    case "certificate_unknown",
                            "unknown_ca",
                            "certificate_expired",
                            "certificate_revoked",
                            "unsupported_certificate" -> Kind.PEER_REJECTED_CERTIFICATE;
                    default -> Kind.OTHER;
                };
            }
        }
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (cause instanceof ClosedChannelException) {
                return Kind.CLOSED;
            }
        }
        return Kind.OTHER;
    }

    /**
     * The one line for a failed TLS connection, such as {@code tcp://127.0.0.1:8443: TLS certificate expired on Mon
     * Nov 30 10:32:29 UTC 2026}.
     *
     * @param endpoint the peer, as the user gave it or as the server saw it connect
     * @param failure what the handshake or the first read after it failed with
     * @return the line, without a trailing newline
     */
    public static String describe(String endpoint, Throwable failure) {
        Kind kind = kind(failure);
        return switch (kind) {
            case UNTRUSTED ->
                endpoint
                        + ": TLS certificate not trusted: self-signed or issued by an unknown CA"
                        + " (trust its CA, or pin its SHA-256 fingerprint)";
            case EXPIRED -> endpoint + ": TLS certificate expired" + after(failure, "NotAfter: ", " on ");
            case NOT_YET_VALID ->
                endpoint + ": TLS certificate not valid yet" + after(failure, "NotBefore: ", ": it starts ")
                        + " (check the clocks)";
            case HOST_MISMATCH ->
                endpoint + ": TLS host name mismatch: the certificate does not name " + expectedName(failure);
            case PIN_MISMATCH -> {
                PinMismatchException pin = find(failure, PinMismatchException.class);
                yield endpoint + ": TLS certificate does not match the pin: expected SHA-256 " + pin.expected()
                        + ", got " + pin.actual();
            }
            case NO_SHARED_PROTOCOL ->
                endpoint + ": no TLS version or cipher suite in common (socketkit speaks TLS 1.3 and 1.2 only)";
            case CLIENT_CERTIFICATE_REQUIRED ->
                endpoint + ": the server requires a client certificate it trusts" + alertSuffix(failure);
            case NO_CLIENT_CERTIFICATE ->
                endpoint + ": the client sent no TLS certificate, and this server requires one";
            case PEER_REJECTED_CERTIFICATE ->
                endpoint + ": the peer rejected our TLS certificate" + alertSuffix(failure);
            case NO_SHARED_ALPN -> {
                NoSharedAlpnException alpn = find(failure, NoSharedAlpnException.class);
                yield endpoint + ": no ALPN protocol in common"
                        + (alpn == null ? "" : " (offered " + String.join(", ", alpn.offered()) + ")");
            }
            case NOT_TLS -> endpoint + " is not speaking TLS" + sample(failure);
            case CLOSED -> endpoint + " closed the connection during the TLS handshake";
            case TIMED_OUT -> describeTimeout(endpoint, handshakeTimeout(failure));
            case OTHER -> endpoint + ": TLS handshake failed: " + rootMessage(failure) + alertSuffix(failure);
        };
    }

    private static Throwable next(Throwable cause) {
        return cause.getCause() == cause ? null : cause.getCause();
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    /** The alert name in a message, lower case as RFC 8446 spells it; null if none. */
    private static String alert(String message) {
        Matcher jdk = JDK_ALERT.matcher(message);
        if (jdk.find()) {
            return jdk.group(1);
        }
        Matcher openssl = OPENSSL_ALERT.matcher(message);
        return openssl.find() ? openssl.group(1).toLowerCase(Locale.ROOT) : null;
    }

    private static String alertSuffix(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            String alert = alert(String.valueOf(cause.getMessage()));
            if (alert != null) {
                return " (alert " + alert + ")";
            }
        }
        return "";
    }

    /** The date after {@code marker} in a certificate validity exception, e.g. "NotAfter: Mon Nov 30 ...". */
    private static String after(Throwable failure, String marker, String joiner) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            String message = cause.getMessage();
            if (message != null && message.startsWith(marker)) {
                return joiner + message.substring(marker.length());
            }
        }
        return "";
    }

    /**
     * The one line for a TLS handshake that was not complete in time, on either side: {@code /127.0.0.1:50312: TLS
     * handshake not complete within 10s}.
     *
     * @param endpoint the peer, as the user gave it or as the server saw it connect
     * @param limit the time the handshake had; null if not known
     * @return the line, without a trailing newline
     */
    public static String describeTimeout(String endpoint, Duration limit) {
        return endpoint + ": TLS handshake not complete"
                + (limit == null ? " in time" : " within " + Durations.format(limit));
    }

    /** The time the handshake had, as Netty's timeout gives it in milliseconds; null if its message does not say. */
    private static Duration handshakeTimeout(Throwable failure) {
        SslHandshakeTimeoutException timedOut = find(failure, SslHandshakeTimeoutException.class);
        Matcher millis = TIMED_OUT_AFTER.matcher(String.valueOf(timedOut.getMessage()));
        return millis.find() ? Duration.ofMillis(Long.parseLong(millis.group(1))) : null;
    }

    private static String expectedName(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = next(cause)) {
            Matcher matcher = HOST_NAME.matcher(String.valueOf(cause.getMessage()));
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        return "(unknown)";
    }

    /**
     * What a plain-text peer sent, when the JDK-side check kept its bytes and they are printable; for TLS out of place,
     * the likely reason.
     */
    private static String sample(Throwable failure) {
        NotSslRecordException notTls = find(failure, NotSslRecordException.class);
        if (notTls == null) {
            return " (it sent a TLS message out of place: a plain-text echo server sends back our own hello)";
        }
        Matcher hex = NOT_SSL_HEX.matcher(String.valueOf(notTls.getMessage()));
        if (!hex.find() || hex.group(1).length() % 2 != 0) {
            return "";
        }
        byte[] bytes = HexFormat.of().parseHex(hex.group(1));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bytes.length && text.length() < 40; i++) {
            int c = bytes[i] & 0xff;
            if (c == '\r' || c == '\n') {
                break;
            }
            if (c < 0x20 || c > 0x7e) {
                return "";
            }
            text.append((char) c);
        }
        return text.length() == 0 ? "" : " (it sent \"" + text + "\")";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (next(root) != null) {
            root = next(root);
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    /**
     * Whether {@code failure} came from TLS: a refused or timed-out handshake, or a record that does not decrypt.
     *
     * @param failure what a connection failed with
     * @return whether an {@link SSLException} is in its cause chain
     */
    public static boolean isTls(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }
}
