package dev.pkcefilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class PkceConfigurationTest {

    /**
     * An element without a default would not compile in an application's existing {@code @PkceConfiguration}. The
     * release build's compatibility check (japicmp, {@code -Prelease}) counts a new element as compatible, which
     * holds only because of this.
     */
    @Test
    void everyElementHasADefaultSoAddingOneKeepsApplicationsCompiling() {
        List<String> withoutDefault = Arrays.stream(PkceConfiguration.class.getDeclaredMethods())
                .filter(element -> element.getDefaultValue() == null).map(Method::getName).sorted().toList();

        assertTrue(PkceConfiguration.class.getDeclaredMethods().length > 20, "the annotation's elements were read");
        assertEquals(List.of(), withoutDefault);
    }
}
