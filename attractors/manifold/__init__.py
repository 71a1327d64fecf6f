r"""Attractor manifolds from population activity: point clouds, dimension, topology and coordinates.

A continuous attractor is a manifold in the space of population activity: a ring
for head direction, a torus for grid cells, isolated points for a Hopfield network.
This package takes activity (a trajectory from :func:`attractors.simulate`, an array
of rates, or spike times through :func:`bin_spikes`) and says which manifold it lives
on:

* :func:`point_cloud`: smoothing, z-scoring, PCA and furthest-point subsampling;
* :func:`participation_ratio` and :func:`intrinsic_dimension` (TWO-NN);
* :func:`persistent_homology` (ripser) and :func:`betti_numbers` against seeded shuffles;
* :func:`circular_coordinates` and :func:`toroidal_coordinates` (DREiMac), compared
  with a decoded bump by :func:`circular_correlation` and :func:`align_circular`;
* :func:`plot_barcode` and :func:`plot_diagram`;
* :func:`embed` (PCA, Isomap, UMAP) and :func:`plot_embedding` for 2-D/3-D views.

ripser and DREiMac come with the optional extra ``topology``
(``pip install 'attractor-networks[topology]'``); everything else needs only the
core dependencies; Isomap and UMAP views need the extra ``views`` (scikit-learn,
umap-learn).  This package sits above the models and analysis (it uses only
their public API) and is imported by neither.
"""

from ._coordinates import (
    align_circular,
    circular_coordinates,
    circular_correlation,
    landmark_spacing,
    toroidal_coordinates,
)
from ._dimension import intrinsic_dimension, participation_ratio
from ._embed import embed, plot_embedding
from ._plot import plot_barcode, plot_diagram
from ._preprocess import furthest_point_sample, point_cloud, smooth, zscore
from ._spikes import bin_spikes
from ._topology import betti_numbers, persistent_homology

__all__ = [
    "align_circular",
    "betti_numbers",
    "bin_spikes",
    "circular_coordinates",
    "circular_correlation",
    "embed",
    "furthest_point_sample",
    "intrinsic_dimension",
    "landmark_spacing",
    "participation_ratio",
    "persistent_homology",
    "plot_barcode",
    "plot_diagram",
    "plot_embedding",
    "point_cloud",
    "smooth",
    "toroidal_coordinates",
    "zscore",
]
