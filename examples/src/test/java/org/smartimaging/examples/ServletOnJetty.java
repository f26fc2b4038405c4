package org.smartimaging.examples;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.smartimaging.engine.ImagingEngine;
import org.smartimaging.servlet.SmartImagingServlet;

/**
 * An engine mounted by {@link SmartImagingServlet} (async support on, as hosts should) at
 * {@code mount/*} on a loopback Jetty with a free port; closing it stops Jetty and the engine.
 */
final class ServletOnJetty implements AutoCloseable {

    private final Server jetty = new Server();
    private final ImagingEngine engine;
    private final String mountUrl;

    ServletOnJetty(ImagingEngine engine, String mount) throws Exception {
        this.engine = engine;
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(new SmartImagingServlet(engine));
        holder.setAsyncSupported(true);
        context.addServlet(holder, mount + "/*");
        jetty.setHandler(context);
        jetty.start();
        mountUrl = "http://127.0.0.1:" + connector.getLocalPort() + mount;
    }

    /** {@code http://127.0.0.1:{port}{mount}}. */
    String mountUrl() {
        return mountUrl;
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            engine.close();
        }
    }
}
