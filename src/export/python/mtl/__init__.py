"""Support code of a PyTorch export written by `deno task export`: layers (task attention, TensorFlow
padding, Keras initial values), weights by name in tfjs' format, datasets and images as the Deno
runtime reads them, and the pieces of train.py's loop. model.py and train.py beside this folder use it.
"""
