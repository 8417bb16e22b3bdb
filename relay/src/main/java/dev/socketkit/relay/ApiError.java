package dev.socketkit.relay;

/**
 * A request the Toxiproxy API refuses, with Toxiproxy's status and wording ({@code api.go}'s {@code Err...} values), so
 * that its clients read the same errors from socketkit as from Toxiproxy. The body is {@code {"error": message,
 * "status": status}}.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiError badBody(String why) {
        return new ApiError(400, "bad request body: " + why);
    }

    static ApiError missingField(String field) {
        return new ApiError(400, "missing required field: " + field);
    }

    static ApiError proxyNotFound() {
        return new ApiError(404, "proxy not found");
    }

    static ApiError proxyExists() {
        return new ApiError(409, "proxy already exists");
    }

    static ApiError invalidStream() {
        return new ApiError(400, "stream was invalid, can be either upstream or downstream");
    }

    static ApiError invalidToxicType() {
        return new ApiError(400, "invalid toxic type");
    }

    static ApiError toxicExists() {
        return new ApiError(409, "toxic already exists");
    }

    static ApiError toxicNotFound() {
        return new ApiError(404, "toxic not found");
    }
}
