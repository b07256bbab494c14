/**
 * The training experiments behind {@code qama train}: data sets (the embedded scikit-learn digits,
 * IDX image files such as Fashion-MNIST, {@code label,text} CSV files, the SpamAssassin corpus), a
 * seeded training loop for the SimpleViT and text models of {@code dev.qama.djl.QamaEncoders} with
 * classical or QAMA attention, and the plots of a run.
 */
package dev.qama.bench.train;
