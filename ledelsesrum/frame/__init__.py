"""The frame of a study: reference data every other app may read (the themes and sub-themes of
seed 004 today). Bottom layer: it imports nothing from the other apps, and its domain modules
import no Django."""
