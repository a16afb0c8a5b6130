mod read;
mod fixtures;
mod props;
