/**
 * SimCIM (Tiunov, Ulanov, Lvovsky, Opt. Express 2019), registered as the backend {@code "simcim"}.
 */
package dev.qama.cim.simcim;
