package dev.outpost.bench;

import java.io.InputStream;

/** An answer's status, headers and body stream; closing it releases the connection. */
interface HttpAnswer extends AutoCloseable {
    int status();

    String header(String name);

    String encoding();

    String protocol();

    InputStream body();

    @Override
    void close();
}
