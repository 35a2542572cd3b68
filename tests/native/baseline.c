/* The RSS baseline: a C program that does nothing, built and run the same way as exchange_once. */
int main(void)
{
    return 0;
}
