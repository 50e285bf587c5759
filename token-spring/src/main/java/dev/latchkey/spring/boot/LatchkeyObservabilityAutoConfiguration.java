package dev.latchkey.spring.boot;

import dev.latchkey.spi.TokenStore;
import dev.latchkey.spring.LatchkeyMetricsSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters and the Actuator health indicator for Latchkey, each only when its library is present (both
 * are optional dependencies of token-spring).
 */
@AutoConfiguration(after = LatchkeyAutoConfiguration.class)
@ConditionalOnBean(LatchkeyMetricsSource.class)
public class LatchkeyObservabilityAutoConfiguration {

    /** The meters. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        LatchkeyMeterBinder latchkeyMeterBinder(LatchkeyMetricsSource source) {
            return new LatchkeyMeterBinder(source);
        }
    }

    /** The health indicator ({@code /actuator/health/latchkey}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnBean(TokenStore.class)
    static class HealthCheck {
        @Bean
        @ConditionalOnMissingBean(name = "latchkeyHealthIndicator")
        LatchkeyHealthIndicator latchkeyHealthIndicator(TokenStore store, LatchkeyMetricsSource source) {
            return new LatchkeyHealthIndicator(store, source);
        }
    }
}
