/**
 * Simulated bifurcation (Goto et al., Sci. Adv. 2019 and 2021): ballistic and discrete variants,
 * registered as the backends {@code "sb"} and {@code "dsb"}.
 */
package dev.qama.cim.sb;
