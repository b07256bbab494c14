/** Every qama-cim-sim backend run through the contract test kit of qama-core. */
package dev.qama.cim.contract;
