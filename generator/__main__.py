from generator.cli import main

if __name__ == "__main__":  # not when something imports this module
    raise SystemExit(main())
