package io.shockwave.transport.tcp;

import io.shockwave.runtime.Listener;
import io.shockwave.runtime.spi.Binding;
import io.shockwave.runtime.spi.ServerContext;
import io.shockwave.runtime.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Plain TCP listeners; each accepted connection becomes an actor on a virtual thread.
 * On Linux the sockets are driven through epoll with {@code java.lang.foreign}, which
 * lets an idle connection wait without a thread (this needs native access: run with
 * {@code --enable-native-access=io.shockwave.transport.tcp}, or {@code ALL-UNNAMED} on
 * the class path). Elsewhere, or with {@code -Dshockwave.tcp.epoll=false}, the JDK's
 * blocking sockets carry them.
 */
public final class TcpTransport implements TransportProvider {
    /** The system property that turns the epoll transport off. */
    public static final String EPOLL_PROPERTY = "shockwave.tcp.epoll";
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    private static volatile boolean explained;

    /** For {@link java.util.ServiceLoader}. */
    public TcpTransport() {
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Binding bind(Listener listener, ServerContext context) throws IOException {
        if (useEpoll()) {
            return EpollBinding.open(listener, context);
        }
        return TcpBinding.open(listener, context);
    }

    /** Whether listeners bound now use epoll. */
    public static boolean usesEpoll() {
        return useEpoll();
    }

    private static boolean useEpoll() {
        if (!Boolean.parseBoolean(System.getProperty(EPOLL_PROPERTY, "true"))) {
            return false;
        }
        Throwable why = Syscalls.unavailable();
        if (why != null && !explained) {
            explained = true;
            LOG.info("Using the JDK's blocking sockets, not epoll: {}", why.toString());
        }
        return why == null;
    }
}
