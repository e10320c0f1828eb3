"""Native code the project builds for itself at install (see ``knowledge.native.build``)."""
