"""Training: IMDb dumps -> features -> PCA -> KMeans -> the model artifact."""
