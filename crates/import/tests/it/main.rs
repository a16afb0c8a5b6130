mod fixtures;
mod props;
mod read;
