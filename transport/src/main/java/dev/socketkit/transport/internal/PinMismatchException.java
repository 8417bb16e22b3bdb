package dev.socketkit.transport.internal;

import java.security.cert.CertificateException;

/** The server's certificate is not the pinned one; carries both fingerprints for the message the user reads. */
public final class PinMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;

    /** The pinned fingerprint, colon-separated upper-case hex. */
    private final String expected;
    /** The server certificate's fingerprint, in the same form. */
    private final String actual;

    PinMismatchException(String expected, String actual) {
        super("certificate pin mismatch: expected SHA-256 " + expected + ", got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    /** {@return the pinned SHA-256 fingerprint, colon-separated upper-case hex} */
    public String expected() {
        return expected;
    }

    /** {@return the fingerprint of the certificate the server sent, in the same form} */
    public String actual() {
        return actual;
    }
}
