from approval.cli import main

main()
