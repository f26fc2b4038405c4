package org.smartimaging.dimse.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage SCP (PS3.4 B) listening on a port: the destination the SDK names in C-MOVE. Accepts
 * storage SOP classes and Verification, answers C-ECHO, streams each C-STORE to a {@link StorageSink}.
 * At most {@code maxAssociations} associations are served at once; more are refused at connect.
 */
public final class StorageServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageServer.class);

    private final ServerSocket serverSocket;
    private final String aeTitle;
    private final AssociationSettings settings;
    private final StorageSink sink;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final Thread acceptor;
    private volatile boolean closed;

    public StorageServer(InetAddress bindAddress, int port, String aeTitle, AssociationSettings settings, StorageSink sink,
            int maxAssociations) throws IOException {
        this.aeTitle = aeTitle;
        this.settings = settings;
        this.sink = sink;
        this.slots = new Semaphore(maxAssociations);
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(bindAddress, port), 50);
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dimse-store-scp");
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "dimse-store-scp-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public String aeTitle() {
        return aeTitle;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Storage SCP {} stopped accepting: {}", aeTitle, e.getMessage());
                }
                return;
            }
            if (!slots.tryAcquire()) {
                LOG.warn("Storage SCP {}: too many associations, refusing a connection", aeTitle);
                close(socket);
                continue;
            }
            try {
                workers.execute(() -> {
                    try {
                        serve(socket);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                slots.release();
                close(socket);
            }
        }
    }

    private void serve(Socket socket) {
        Association association = null;
        try {
            Optional<Association> accepted = Association.accept(socket, aeTitle, settings, StorageSopClasses::accept);
            if (accepted.isEmpty()) {
                return;
            }
            association = accepted.get();
            while (true) {
                Command command = association.readCommand();
                if (command == null) {
                    return; // released
                }
                switch (command.commandField()) {
                    case Command.C_STORE_RQ -> StoreScp.handle(association, command, sink);
                    case Command.C_ECHO_RQ -> association.send(command.contextId(),
                            Commands.response(Command.C_ECHO_RSP, command, Status.SUCCESS), null);
                    default -> {
                        LOG.warn("Storage SCP {}: unsupported DIMSE command 0x{} from {}; aborting", aeTitle,
                                Integer.toHexString(command.commandField()), association.remoteAe());
                        association.abort();
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Storage SCP {}: association ended: {}", aeTitle, e.getMessage());
            if (association != null) {
                association.abort();
            }
        } finally {
            close(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing
        }
        workers.shutdownNow();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
