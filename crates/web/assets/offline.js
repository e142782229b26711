// Offline: filled in below.
