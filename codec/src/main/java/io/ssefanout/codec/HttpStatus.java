package io.ssefanout.codec;

/**
 * The HTTP status codes this server answers with, and their reason phrases.
 */
public final class HttpStatus
{
    /** Request handled. */
    public static final int OK = 200;
    /** Preflight answered. */
    public static final int NO_CONTENT = 204;
    /** Malformed request. */
    public static final int BAD_REQUEST = 400;
    /** Missing or invalid token. */
    public static final int UNAUTHORIZED = 401;
    /** The token does not cover the topic. */
    public static final int FORBIDDEN = 403;
    /** No such route. */
    public static final int NOT_FOUND = 404;
    /** Method not supported on the route. */
    public static final int METHOD_NOT_ALLOWED = 405;
    /** The request did not arrive in time. */
    public static final int REQUEST_TIMEOUT = 408;
    /** A body without Content-Length. */
    public static final int LENGTH_REQUIRED = 411;
    /** Body larger than the payload limit. */
    public static final int PAYLOAD_TOO_LARGE = 413;
    /** Request line longer than its limit. */
    public static final int URI_TOO_LONG = 414;
    /** Header section larger than its limits. */
    public static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
    /** A handler failed. */
    public static final int INTERNAL_SERVER_ERROR = 500;
    /** Back-pressure, shutdown or a limit reached. */
    public static final int SERVICE_UNAVAILABLE = 503;
    /** A body of a media type the route does not take. */
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;

    /** A transfer coding other than chunked. */
    public static final int NOT_IMPLEMENTED = 501;

    /** Interim answer to Expect: 100-continue. */
    public static final int CONTINUE = 100;

    /** Not HTTP/1.0 or HTTP/1.1. */
    public static final int HTTP_VERSION_NOT_SUPPORTED = 505;

    private HttpStatus()
    {
    }

    /**
     * Reason phrase for a status code.
     *
     * @param status code.
     * @return its reason phrase.
     */
    public static String reasonPhrase(final int status)
    {
        switch (status)
        {
            case CONTINUE: return "Continue";
            case OK: return "OK";
            case NO_CONTENT: return "No Content";
            case BAD_REQUEST: return "Bad Request";
            case UNAUTHORIZED: return "Unauthorized";
            case FORBIDDEN: return "Forbidden";
            case NOT_FOUND: return "Not Found";
            case METHOD_NOT_ALLOWED: return "Method Not Allowed";
            case REQUEST_TIMEOUT: return "Request Timeout";
            case LENGTH_REQUIRED: return "Length Required";
            case PAYLOAD_TOO_LARGE: return "Payload Too Large";
            case URI_TOO_LONG: return "URI Too Long";
            case REQUEST_HEADER_FIELDS_TOO_LARGE: return "Request Header Fields Too Large";
            case INTERNAL_SERVER_ERROR: return "Internal Server Error";
            case NOT_IMPLEMENTED: return "Not Implemented";
            case UNSUPPORTED_MEDIA_TYPE: return "Unsupported Media Type";
            case SERVICE_UNAVAILABLE: return "Service Unavailable";
            case HTTP_VERSION_NOT_SUPPORTED: return "HTTP Version Not Supported";
            default: return "Unknown";
        }
    }
}
