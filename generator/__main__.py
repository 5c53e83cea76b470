from generator.cli import run

if __name__ == "__main__":  # not when something imports this module
    run()
