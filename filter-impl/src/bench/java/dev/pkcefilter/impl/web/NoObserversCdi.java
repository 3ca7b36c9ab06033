package dev.pkcefilter.impl.web;

import java.lang.annotation.Annotation;
import java.util.Iterator;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.util.TypeLiteral;

/**
 * A CDI container whose events have no observer, as in an application that observes none of pkce-filter's
 * events: without it, every event would look for a CDI provider on the class path and fail, a cost no server has.
 */
final class NoObserversCdi extends CDI<Object> {

    private final BeanManager beanManager = beanManager();

    static void install() {
        NoObserversCdi cdi = new NoObserversCdi();
        CDI.setCDIProvider(() -> cdi);
    }

    @SuppressWarnings("unchecked")
    private BeanManager beanManager() {
        Event<Object> noObserver = (Event<Object>) java.lang.reflect.Proxy.newProxyInstance(
                Event.class.getClassLoader(), new Class<?>[] {Event.class}, (proxy, m, args) -> {
                    if (m.getName().equals("fire")) {
                        return null;
                    }
                    throw new UnsupportedOperationException("Event." + m.getName());
                });
        return (BeanManager) java.lang.reflect.Proxy.newProxyInstance(BeanManager.class.getClassLoader(),
                new Class<?>[] {BeanManager.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getEvent")) {
                        return noObserver;
                    }
                    throw new UnsupportedOperationException("BeanManager." + m.getName());
                });
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
