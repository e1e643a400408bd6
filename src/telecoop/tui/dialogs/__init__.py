"""Modal dialogs: each a ``ModalScreen[T]`` dismissed with the value it asked for."""
