package dev.pkcefilter.impl.web;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.util.TypeLiteral;

/**
 * A CDI container that only takes the events fired through it, installed for the JVM ({@link CDI#setCDIProvider}):
 * {@link #install()} records them, for tests of what pkce-filter fires (a test clears {@link #events} before it
 * acts); {@link #installWithoutObservers()} drops them, as an application that observes none of pkce-filter's
 * events, for the benchmarks (without it every event would look for a CDI provider on the class path and fail, a
 * cost no server has).
 */
final class RecordingCdi extends CDI<Object> {

    /** The recorder, one for the JVM, as CDI's provider is one. */
    private static final RecordingCdi INSTANCE = new RecordingCdi(true);

    final List<Object> events = new CopyOnWriteArrayList<>();
    private final BeanManager beanManager;

    @SuppressWarnings("unchecked")
    private RecordingCdi(boolean recording) {
        Event<Object> event = (Event<Object>) Proxy.newProxyInstance(Event.class.getClassLoader(),
                new Class<?>[] {Event.class}, (proxy, m, args) -> {
                    if (m.getName().equals("fire")) {
                        if (recording) {
                            events.add(args[0]);
                        }
                        return null;
                    }
                    throw new UnsupportedOperationException("Event." + m.getName());
                });
        beanManager = (BeanManager) Proxy.newProxyInstance(BeanManager.class.getClassLoader(),
                new Class<?>[] {BeanManager.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getEvent")) {
                        return event;
                    }
                    throw new UnsupportedOperationException("BeanManager." + m.getName());
                });
    }

    /** @return the recorder, installed as the JVM's CDI */
    static RecordingCdi install() {
        CDI.setCDIProvider(() -> INSTANCE);
        return INSTANCE;
    }

    /** Installs a CDI whose events have no observer. */
    static void installWithoutObservers() {
        RecordingCdi cdi = new RecordingCdi(false);
        CDI.setCDIProvider(() -> cdi);
    }

    @Override
    public BeanManager getBeanManager() {
        return beanManager;
    }

    @Override
    public Object get() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instance<Object> select(Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <U> Instance<U> select(Class<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <U> Instance<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isUnsatisfied() {
        return false;
    }

    @Override
    public boolean isAmbiguous() {
        return false;
    }

    @Override
    public void destroy(Object instance) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Handle<Object> getHandle() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Iterable<? extends Handle<Object>> handles() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Iterator<Object> iterator() {
        throw new UnsupportedOperationException();
    }
}
