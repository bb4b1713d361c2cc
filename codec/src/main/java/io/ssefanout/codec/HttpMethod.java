package io.ssefanout.codec;

/**
 * Request methods the parser recognises; any other syntactically valid token is {@link #OTHER}.
 */
public enum HttpMethod
{
    /** GET. */
    GET,
    /** HEAD. */
    HEAD,
    /** POST. */
    POST,
    /** PUT. */
    PUT,
    /** DELETE. */
    DELETE,
    /** OPTIONS. */
    OPTIONS,
    /** PATCH. */
    PATCH,
    /** Any other token. */
    OTHER
}
